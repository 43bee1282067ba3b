import type { Locator, Page } from '@playwright/test';
import { test } from '@playwright/test';

/** The overview (`/`): host header and the sandboxes table. Returns locators; specs assert. */
export class OverviewPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await test.step('open the overview', async () => {
      await this.page.goto(new URL('/', this.page.url()).href);
    });
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Sandboxes' });
  }

  /** The row of one sandbox, resolved by name (rows re-sort live). */
  row(name: string): Locator {
    return this.page.getByTestId(`sandbox-row-${name}`);
  }

  rowNames(): Locator {
    return this.table.locator('tbody tr[data-testid^="sandbox-row-"]');
  }

  sortBy(column: RegExp): Locator {
    return this.table.getByRole('button', { name: column });
  }

  get coreBars(): Locator {
    return this.page.getByTestId('core-bars');
  }

  get connection(): Locator {
    return this.page.getByTestId('connection-state');
  }
}
