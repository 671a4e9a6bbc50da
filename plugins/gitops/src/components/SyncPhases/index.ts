export { SyncPhases, describeTask } from './SyncPhases';
