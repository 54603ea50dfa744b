export * from './queries.js';
export * from './dataframe.js';
export * from './units.js';
export * from './feeBands.js';
export * from './profitability.js';
export * from './fields-mining.js';
export * from './fields-bitcoin.js';
