export * from './app-ref';
export * from './codec';
export * from './decode';
export * from './messages';
export * from './monitor';
export * from './ota';
export * from './topics';
export * from './vm';
