export * from './js-compile';
export * from './js-runtime';
export * from './lua-compile';
export * from './lua-runtime';
export * from './source';
export * from './validate-source';
export * from './micropython-runtime';
export * from './python-compile';
