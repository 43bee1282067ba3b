// Demo load: grows its resident memory by 4 MiB every 250 ms up to TARGET_MIB (default 180), holds it
// for 5 s, frees it and starts again, so a memory chart shows a clear saw-tooth. Run with --expose-gc:
// the buffers live outside the JS heap and are only returned once a GC has collected their owners.
const target = Number(process.env.TARGET_MIB || 180) * 1024 * 1024;
const step = 4 * 1024 * 1024;
let held = [];
let size = 0;
let hold = 0;
setInterval(() => {
  if (size < target) {
    held.push(Buffer.alloc(step, 1)); // alloc fills the pages, so they are resident, not just reserved
    size += step;
  } else if (++hold > 20) {
    held = [];
    size = 0;
    hold = 0;
    globalThis.gc?.();
  }
}, 250);
