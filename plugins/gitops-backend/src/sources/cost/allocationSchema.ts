import { z } from 'zod';

const num = z.number().nullish();

/** The parts of an OpenCost / Kubecost `Allocation` we read (see contracts/opencost). */
export const allocationSchema = z.object({
  name: z.string().nullish(),
  properties: z
    .object({
      cluster: z.string().nullish(),
      namespace: z.string().nullish(),
      labels: z.record(z.string(), z.string()).nullish(),
    })

    .nullish(),
  window: z
    .object({ start: z.string().nullish(), end: z.string().nullish() })

    .nullish(),
  start: z.string().nullish(),
  end: z.string().nullish(),
  cpuCost: num,
  cpuCostAdjustment: num,
  gpuCost: num,
  ramCost: num,
  ramCostAdjustment: num,
  pvCost: num,
  pvCostAdjustment: num,
  networkCost: num,
  networkCostAdjustment: num,
  loadBalancerCost: num,
  sharedCost: num,
  externalCost: num,
  totalCost: num,
  totalEfficiency: num,
});

export type Allocation = z.infer<typeof allocationSchema>;
