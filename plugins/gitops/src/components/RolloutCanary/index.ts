export { RolloutCanary } from './RolloutCanary';
