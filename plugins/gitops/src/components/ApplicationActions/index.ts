export { ApplicationActions } from './ApplicationActions';
export { ActionButton } from './ActionButton';
