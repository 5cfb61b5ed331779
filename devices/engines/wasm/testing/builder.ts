// The module builder lives beside the validator it also tests; engine tests use it from here.
export * from '../../../../src/protocol/images/wasm/testing/builder';
