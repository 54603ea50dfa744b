export * from './queries.js';
export * from './dataframe.js';
export * from './units.js';
export * from './feeBands.js';
