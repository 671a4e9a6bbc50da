export { ApplicationActions } from './ApplicationActions';
