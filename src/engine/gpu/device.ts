/**
 * Getting a WebGPU device: the one place that decides whether the GPU engine
 * can run, asks for the adapter's larger limits, and says why not when it
 * cannot.
 */

/** Why the GPU engine is not available (shown to the user as is). */
export class GpuUnavailable extends Error {
  override readonly name = 'GpuUnavailable';
}

export interface GpuContext {
  readonly device: GPUDevice;
  /** e.g. "google swiftshader" or "nvidia hopper". */
  readonly adapterName: string;
  readonly isSoftware: boolean;
}

/** The limits the engine uses; it asks for the adapter's own maxima, not the defaults. */
const WANTED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension'] as const;

export async function acquireGpu(): Promise<GpuContext> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) throw new GpuUnavailable('this browser has no WebGPU (navigator.gpu is missing)');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new GpuUnavailable(`requestAdapter failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!adapter) throw new GpuUnavailable('no WebGPU adapter is available');
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch {
    // a limit was refused: step down to the defaults
    try {
      device = await adapter.requestDevice();
    } catch (e) {
      throw new GpuUnavailable(`requestDevice failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const isSoftware = info.architecture === 'swiftshader' || /swiftshader|llvmpipe|software/i.test(adapterName);
  return { device, adapterName, isSoftware };
}
