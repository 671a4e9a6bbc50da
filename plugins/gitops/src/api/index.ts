export { gitopsApiRef } from './GitopsApi';
export type {
  GitopsApi,
  ApplicationAction,
  RolloutActionRequest,
} from './GitopsApi';
export { GitopsClient } from './GitopsClient';
