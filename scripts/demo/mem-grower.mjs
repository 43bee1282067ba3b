// Demo load: grows its resident memory by 4 MiB every 250 ms up to TARGET_MIB (default 180), holds it
// for a few seconds, frees it and starts again, so a memory chart shows a clear saw-tooth.
const target = Number(process.env.TARGET_MIB || 180) * 1024 * 1024;
const step = 4 * 1024 * 1024;
let held = [];
let size = 0;
let hold = 0;
setInterval(() => {
  if (size < target) {
    const b = Buffer.alloc(step, 1); // alloc fills the pages, so they are resident, not just reserved
    held.push(b);
    size += step;
  } else if (++hold > 20) {
    held = [];
    size = 0;
    hold = 0;
    globalThis.gc?.();
  }
}, 250);
