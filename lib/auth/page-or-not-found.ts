import { notFound, redirect } from 'next/navigation';
import { isAppError } from '@/common/errors';

/**
 * For pages: awaits a domain call, turning NOT_FOUND into the 404 page and UNAUTHENTICATED
 * into the sign-in page; any other error goes on to the error boundary.
 */
export async function pageOrNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isAppError(err) && err.code === 'NOT_FOUND') notFound();
    if (isAppError(err) && err.code === 'UNAUTHENTICATED') redirect('/signin');
    throw err;
  }
}
