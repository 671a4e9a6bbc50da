export {
  SyncStatusLabel,
  HealthStatusLabel,
  OperationLabel,
} from './StatusLabels';
