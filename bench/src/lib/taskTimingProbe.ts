/**
 * Preloaded (`--require`) into our backend by the bench only: a minimal OpenTelemetry meter
 * provider that keeps two of the scheduler's own metrics (recorded by @backstage/backend-defaults
 * around every scheduled task run): `backend_tasks.task.runs.started` and
 * `backend_tasks.task.runs.duration`. Each gitops refresh run is appended to the file named by
 * BENCH_TASK_LOG as JSON lines `{taskId, event: 'start', at}` and
 * `{taskId, event: 'end', seconds, result, at}`: when a source's refresh started and how long it
 * took, measured by the backend's scheduler in the real process. Nothing else changes: without
 * this file the backend's meters are no-ops (no OpenTelemetry SDK is installed).
 */
import fs from 'node:fs';
import { metrics } from '@opentelemetry/api';

const file = process.env.BENCH_TASK_LOG;
const noop = () => undefined;
const instrument = {
  add: noop,
  record: noop,
  addCallback: noop,
  removeCallback: noop,
};

if (file) {
  const append = (
    attributes: Record<string, unknown> | undefined,
    record: object,
  ) => {
    const taskId = String(attributes?.taskId ?? '');
    if (!taskId.startsWith('gitops-refresh-')) return;
    fs.appendFileSync(
      file,
      `${JSON.stringify({ taskId, ...record, at: Date.now() })}\n`,
    );
  };
  const meter = {
    createHistogram(name: string) {
      if (name !== 'backend_tasks.task.runs.duration') return instrument;
      return {
        ...instrument,
        record(seconds: number, attributes?: Record<string, unknown>) {
          append(attributes, {
            event: 'end',
            seconds,
            result: attributes?.result,
          });
        },
      };
    },
    createGauge(name: string) {
      if (name !== 'backend_tasks.task.runs.started') return instrument;
      return {
        ...instrument,
        record(_value: number, attributes?: Record<string, unknown>) {
          append(attributes, { event: 'start' });
        },
      };
    },
    createCounter: () => instrument,
    createUpDownCounter: () => instrument,
    createObservableCounter: () => instrument,
    createObservableUpDownCounter: () => instrument,
    createObservableGauge: () => instrument,
    addBatchObservableCallback: noop,
    removeBatchObservableCallback: noop,
  };
  metrics.setGlobalMeterProvider({ getMeter: () => meter as any });
}
