// The mmdb writer and the simulator's synthetic databases moved to src/simulators/geoip (the
// demo stack writes them too); re-exported here for the tests that import them from test/.
export { buildMmdb, simulatorGeoDatabases, type MmdbValue } from '../src/simulators/geoip/index.js';
