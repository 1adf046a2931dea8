/**
 * The page's engine: WebGPU when it can, the worker CPU engine otherwise,
 * chosen by `?engine=webgpu|cpu|auto` (default auto).
 */

import { FallbackEngine } from './fallback-engine.js';
import { createBrowserWorkerEngine } from './browser-workers.js';
import { WebGpuEngine, type WebGpuEngineOptions } from './gpu/gpu-engine.js';
import { acquireGpu } from './gpu/device.js';
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

/**
 * A FallbackEngine: it reports in `info` which engine runs and why. `auto`
 * takes the GPU unless the only adapter is a software one (SwiftShader), which
 * is far slower than the CPU workers; `webgpu` takes any adapter.
 */
export async function createEngine(choice: EngineChoice, options: EngineOptions = {}): Promise<FallbackEngine> {
  const makeCpu = options.makeCpu ?? (() => createBrowserWorkerEngine());
  if (choice === 'cpu') return new FallbackEngine(null, makeCpu, 'the CPU engine was chosen (?engine=cpu)');
  let engine: FallbackEngine | null = null;
  try {
    const ctx = await acquireGpu();
    if (choice === 'auto' && ctx.isSoftware) {
      ctx.device.destroy();
      return new FallbackEngine(
        null,
        makeCpu,
        `the only WebGPU adapter is a software one (${ctx.adapterName}), slower than the CPU workers; ?engine=webgpu uses it anyway`,
      );
    }
    const gpu = await WebGpuEngine.create(
      {
        ...options,
        onFailure: (reason) => {
          options.onFailure?.(reason);
          void engine?.switchToCpu(reason);
        },
      },
      ctx,
    );
    engine = new FallbackEngine(gpu, makeCpu);
    return engine;
  } catch (e) {
    const reason = `WebGPU is not available: ${e instanceof Error ? e.message : String(e)}`;
    return new FallbackEngine(null, makeCpu, reason);
  }
}
