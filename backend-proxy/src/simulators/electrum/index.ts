export {
  type ChainView,
  type ElectrumFault,
  type ElectrumSimulatorBase,
  type ElectrumSimulatorOptions,
} from './common.js';
export { type ElectrsSimulator, feeRateBin, renderElectrsMetrics, startElectrsSimulator } from './electrs.js';
export { type FulcrumSimulator, renderFulcrumStats, startFulcrumSimulator } from './fulcrum.js';
