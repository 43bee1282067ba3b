export * from './sandbox';
export * from './host';
export * from './errors';
export * from './ack';
export * from './commands';
export * from './events';
