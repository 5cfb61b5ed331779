// aedes 1.x ships as ESM only; Jest runs CommonJS, so ts-jest transpiles aedes' own files.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/devices', '<rootDir>/cli', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': tsJest, '/node_modules/aedes/.+\\.js$': tsJest },
  transformIgnorePatterns: ['/node_modules/(?!aedes/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
