export {
  SyncStatusLabel,
  HealthStatusLabel,
  OperationLabel,
  RolloutStatusLabel,
  AnalysisPhaseLabel,
} from './StatusLabels';
