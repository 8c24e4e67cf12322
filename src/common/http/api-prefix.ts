/**
 * The path prefix of every API route. Its own module so that code building URLs (a Location
 * header) can import it without importing the application, which imports that code.
 */
export const API_PREFIX = 'api/v1';
