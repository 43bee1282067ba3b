import type { CgroupDriver, DriverOptions } from './driver';
import { createV1Driver } from './v1';
import { createV2Driver } from './v2';

/**
 * Picks the driver for the host's layout; the only place that looks at `layout.kind`
 * (as opencontainers manager/new.go does). Hybrid hosts get the v1 driver: their controllers are
 * all bound to v1 hierarchies, and the cgroup2 mount there carries no controllers.
 */
export function createDriver(opts: DriverOptions): CgroupDriver {
  switch (opts.layout.kind) {
    case 'v1':
    case 'hybrid':
      return createV1Driver(opts);
    case 'v2':
      return createV2Driver(opts);
  }
}
