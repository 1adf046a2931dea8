/**
 * The page's engine: WebGPU when it can, the worker CPU engine otherwise,
 * chosen by `?engine=webgpu|cpu|auto` (default auto).
 */

import { FallbackEngine } from './fallback-engine.js';
import { createBrowserWorkerEngine } from './browser-workers.js';
import { WebGpuEngine, type WebGpuEngineOptions } from './gpu/gpu-engine.js';
import type { Engine } from './types.js';

export type EngineChoice = 'webgpu' | 'cpu' | 'auto';

export function parseEngineChoice(value: string | null): EngineChoice {
  if (value === null || value === '' || value === 'auto') return 'auto';
  if (value === 'webgpu' || value === 'cpu') return value;
  throw new Error(`engine must be webgpu, cpu or auto, not '${value}'`);
}

export interface EngineOptions extends WebGpuEngineOptions {
  /** Worker CPU engine factory (default: browser workers, one per core). */
  makeCpu?: () => Engine;
}

/** A FallbackEngine: it reports in `info` which engine runs and why. */
export async function createEngine(choice: EngineChoice, options: EngineOptions = {}): Promise<FallbackEngine> {
  const makeCpu = options.makeCpu ?? (() => createBrowserWorkerEngine());
  if (choice === 'cpu') return new FallbackEngine(null, makeCpu, 'the CPU engine was chosen (?engine=cpu)');
  let engine: FallbackEngine | null = null;
  try {
    const gpu = await WebGpuEngine.create({
      ...options,
      onFailure: (reason) => {
        options.onFailure?.(reason);
        void engine?.switchToCpu(reason);
      },
    });
    engine = new FallbackEngine(gpu, makeCpu);
    return engine;
  } catch (e) {
    const reason = `WebGPU is not available: ${e instanceof Error ? e.message : String(e)}`;
    return new FallbackEngine(null, makeCpu, reason);
  }
}
