export { gitopsApiRef } from './GitopsApi';
export type {
  GitopsApi,
  ApplicationAction,
  RolloutActionRequest,
  DoraDays,
  EstateCostCsv,
} from './GitopsApi';
export { GitopsClient } from './GitopsClient';
