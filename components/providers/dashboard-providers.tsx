'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { bindSocket } from '@/lib/client/bind-socket';
import { createDashboardSocket, type DashboardSocket } from '@/lib/client/socket';
import { createDashboardStore, type DashboardState, type DashboardStoreApi } from '@/lib/store/create-dashboard-store';

interface DashboardContextValue {
  store: DashboardStoreApi;
  /** null until the effect has opened the socket (never during server rendering). */
  socket: DashboardSocket | null;
}

const DashboardContext = createContext<DashboardContextValue | null>(null);

/** The one client root: creates the store and the socket, binds them, and closes the socket on unmount. */
export function DashboardProviders({ children }: { children: ReactNode }) {
  const [store] = useState(createDashboardStore);
  const [socket, setSocket] = useState<DashboardSocket | null>(null);

  useEffect(() => {
    const s = createDashboardSocket();
    const unbind = bindSocket(s, store);
    setSocket(s);
    return () => {
      unbind();
      s.close();
      setSocket(null);
    };
  }, [store]);

  return <DashboardContext.Provider value={{ store, socket }}>{children}</DashboardContext.Provider>;
}

function useDashboardContext(): DashboardContextValue {
  const ctx = useContext(DashboardContext);
  if (!ctx) throw new Error('useDashboard must be used inside <DashboardProviders>.');
  return ctx;
}

/** Reads a slice of dashboard state; re-renders only when the selected value changes. */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(useDashboardContext().store, selector);
}

/** The store API and the socket, for connected components that send commands or subscribe. */
export function useDashboardWiring(): DashboardContextValue {
  return useDashboardContext();
}
