export { WindowToggle } from './WindowToggle';
