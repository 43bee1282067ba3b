import { createStore, type StoreApi } from 'zustand/vanilla';
import { createCommandsSlice, type CommandsSlice } from './slices/commands';
import { createConnectionSlice, type ConnectionSlice } from './slices/connection';
import { createOverviewSlice, type OverviewSlice } from './slices/overview';
import { createSamplesSlice, type SamplesSlice } from './slices/samples';

/** Everything the dashboard UI holds: samples, connection state, per-control command results and the overview's expand state. */
export type DashboardState = SamplesSlice & ConnectionSlice & CommandsSlice & OverviewSlice;
export type DashboardStoreApi = StoreApi<DashboardState>;

/** Creates one dashboard store (one per browser tab, made by DashboardProviders). */
export function createDashboardStore(): DashboardStoreApi {
  return createStore<DashboardState>()((...a) => ({
    ...createSamplesSlice(...a),
    ...createConnectionSlice(...a),
    ...createCommandsSlice(...a),
    ...createOverviewSlice(...a),
  }));
}
