import { ZErrorResponse } from '@/common/error-response';
import { RequestError } from './request-error';

/**
 * Uploads one file into a project's files with progress. XMLHttpRequest rather than the
 * web client's fetch: only XHR reports upload progress in browsers. The body is the file
 * itself (the route streams it to disk); failures are the same `RequestError`s as elsewhere.
 */
export function uploadProjectFile(projectId: string, path: string, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/projects/${projectId}/files/upload?path=${encodeURIComponent(path)}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(RequestError.network('web'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not a Lattice error body: the status alone is reported below
      }
      const parsed = ZErrorResponse.safeParse(body);
      if (parsed.success) return reject(new RequestError({ service: 'web', status: xhr.status, code: parsed.data.code, message: parsed.data.message, body }));
      reject(xhr.status >= 502 ? RequestError.unavailable('web', xhr.status) : RequestError.invalidResponse('web', xhr.status, `HTTP ${xhr.status}`));
    };
    xhr.send(file);
  });
}
