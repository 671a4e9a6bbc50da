export { ApplicationEvents } from './ApplicationEvents';
