import { loadTask, type TaskConfig, type TextTask } from '../../pipelines/tasks/index.js';

/**
 * What the commands load from outside, swappable as a whole (tests inject a task whose policy fails on
 * purpose, to check how a run handles it).
 *
 * @example
 * await main(['train', 'c.json'], processIo(), { ...defaultServices, loadTask: myLoader });
 */
export interface CliServices {
  /** Loads a task from its (absolute-path) config. */
  loadTask(config: TaskConfig): Promise<TextTask>;
}

/**
 * The real services.
 *
 * @example
 * await main(argv, processIo(), defaultServices);
 */
export const defaultServices: CliServices = { loadTask: (config) => loadTask(config) };
