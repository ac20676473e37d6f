import { useCallback, useEffect, useState } from 'react';
import { errorText } from './api/client';

/** Loads on mount and whenever `deps` change; `reload` loads again. `error` is the API's reason in Chinese. */
export function useApi<T>(load: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<{ status: number; text: string } | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run()
      .then((result) => {
        if (!live) return;
        setData(result.data);
        setError(result.data === undefined ? { status: result.response.status, text: errorText(result.error) } : null);
      })
      .catch(() => live && setError({ status: 0, text: '无法连接服务器，请检查网络后重试' }))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}
