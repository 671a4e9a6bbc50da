export { AskedDialog } from './AskedDialog';
