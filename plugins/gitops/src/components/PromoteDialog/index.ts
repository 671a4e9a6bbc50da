export { PromoteDialog } from './PromoteDialog';
export { GateStatusLabel } from './GateStatusLabel';
