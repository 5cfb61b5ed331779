export * from './codec';
export * from './decode';
export * from './messages';
export * from './monitor';
export * from './topics';
export * from './vm';
