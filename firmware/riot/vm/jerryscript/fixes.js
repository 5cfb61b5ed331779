// Corrections of JerryScript 2.4.0 where it departs from the language the scripts are
// written for (QuickJS runs them on the TypeScript devices), evaluated in every fresh
// context before prelude.js.
(function () {
  // %TypedArray%.from(arrayLike, mapFn) reads only the indices an array-like has
  // (ecma_op_typedarray_from skips the rest), where ES2015 §22.2.2.1 reads each as
  // undefined and maps it: Uint8Array.from({ length: 16 }, (_, i) => ...) came out all
  // zeros. Array.from reads array-likes right; the typed array is made from its result.
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const from = TypedArray.from;
  const iterable = (source) => source != null && typeof source[Symbol.iterator] === 'function';
  Object.defineProperty(TypedArray, 'from', {
    // (mapFn, thisArg) passed on only as given: JerryScript's from refuses an explicit undefined
    value: function (source, ...mapping) {
      if (iterable(source)) return from.call(this, source, ...mapping);
      return from.call(this, Array.from(source, ...mapping));
    },
    writable: true,
    configurable: true,
  });
})();
