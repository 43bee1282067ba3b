import type { StateCreator } from 'zustand/vanilla';
import type { DashboardState } from '../create-dashboard-store';
import { toggleExpansion } from '../tree';

/** Overview table UI state kept in the store, so it survives going to a sandbox page and back. */
export interface OverviewSlice {
  /** Paths (sandbox names or child group paths) whose child groups the overview lists; empty = all collapsed. */
  overviewExpanded: ReadonlySet<string>;
  toggleOverviewExpanded: (path: string) => void;
}

export const createOverviewSlice: StateCreator<DashboardState, [], [], OverviewSlice> = (set) => ({
  overviewExpanded: new Set<string>(),
  toggleOverviewExpanded: (path) => set((s) => ({ overviewExpanded: toggleExpansion(s.overviewExpanded, path) })),
});
