export { gitopsApiRef } from './GitopsApi';
export type { GitopsApi, ApplicationAction } from './GitopsApi';
export { GitopsClient } from './GitopsClient';
