import type { Locator, Page } from '@playwright/test';
import { test } from '@playwright/test';

/** One sandbox's page (`/sandboxes/<name>`): charts, process list and controls. */
export class SandboxPage {
  constructor(readonly page: Page) {}

  async open(name: string): Promise<void> {
    await test.step(`open sandbox ${name}`, async () => {
      await this.page.goto(new URL(`/sandboxes/${encodeURIComponent(name)}`, this.page.url()).href);
    });
  }

  get cpuSlider(): Locator { return this.page.getByRole('slider', { name: 'CPU limit' }); }
  get unlimited(): Locator { return this.page.getByRole('button', { name: 'Unlimited' }); }
  get memoryField(): Locator { return this.page.getByRole('textbox', { name: 'Memory limit' }); }
  get applyMemory(): Locator { return this.page.getByRole('button', { name: 'Apply' }); }
  get freeze(): Locator { return this.page.getByRole('button', { name: 'Freeze', exact: true }); }
  get thaw(): Locator { return this.page.getByRole('button', { name: 'Thaw', exact: true }); }
  get kill(): Locator { return this.page.getByRole('button', { name: 'Kill', exact: true }); }
  get confirmKill(): Locator { return this.page.getByRole('button', { name: 'Kill all processes' }); }
  get cpuChart(): Locator { return this.page.getByTestId('cpu-chart'); }
  get memoryChart(): Locator { return this.page.getByTestId('memory-chart'); }
  get processes(): Locator { return this.page.getByRole('region', { name: 'Processes' }); }
  get cpuResult(): Locator { return this.page.getByTestId('cpu-limit-result'); }
  get memoryResult(): Locator { return this.page.getByTestId('memory-limit-result'); }
  get freezerResult(): Locator { return this.page.getByTestId('freezer-result'); }
  get killResult(): Locator { return this.page.getByTestId('kill-result'); }

  /**
   * Drags the CPU-limit thumb with the mouse from its current place to `toPercent`, in `steps` moves
   * spread over `ms`, pausing `holdMs` at the halfway point with the button still down (so a test can
   * see the limit applied while dragging). Calls `whileHeld` during that pause.
   */
  async dragCpuLimit(toPercent: number, opts: { holdMs?: number; whileHeld?: () => Promise<void> } = {}): Promise<void> {
    await test.step(`drag the CPU limit to ${toPercent} %`, async () => {
      const box = (await this.cpuSlider.boundingBox())!;
      const from = Number(await this.cpuSlider.inputValue());
      // A native range input maps its value linearly across the track, minus half a thumb at each end.
      const thumb = 16;
      const x = (v: number) => box.x + thumb / 2 + ((v - 1) / 99) * (box.width - thumb);
      const y = box.y + box.height / 2;
      await this.page.mouse.move(x(from), y);
      await this.page.mouse.down();
      const mid = (from + toPercent) / 2;
      await this.page.mouse.move(x(mid), y, { steps: 10 });
      if (opts.whileHeld) await opts.whileHeld();
      else if (opts.holdMs) await this.page.waitForTimeout(opts.holdMs);
      await this.page.mouse.move(x(toPercent), y, { steps: 10 });
      await this.page.mouse.up();
    });
  }
}
