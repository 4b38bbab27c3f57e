package cz.zoom.screenrec.server.http;

import java.time.Duration;

/**
 * How much of the HTTP port one kind of caller can hold. Call events and the REST API ({@code
 * /api}), uploads ({@code /mus}) and the replay ({@code /replay}) each have their own bound of
 * requests in progress, well inside the thread pool, so a flood or a crowd of slow bodies on one
 * cannot starve the others or {@code /healthz}; requests over a bound wait without a thread (up to
 * the idle timeout, then 503). A body must arrive at the minimum rate on average and no connection
 * may stay silent past the idle timeout.
 *
 * @param threads the port's thread pool
 * @param apiRequests requests in progress at once under /api
 * @param uploadRequests requests in progress at once under /mus
 * @param replayRequests requests in progress at once under /replay
 * @param minBodyRate bytes per second a request body must average, once its first byte has come (0:
 *     none)
 * @param idleTimeout silence after which a connection, or a request waiting for its body, is
 *     dropped
 */
public record HttpLimits(
    int threads,
    int apiRequests,
    int uploadRequests,
    int replayRequests,
    long minBodyRate,
    Duration idleTimeout) {}
