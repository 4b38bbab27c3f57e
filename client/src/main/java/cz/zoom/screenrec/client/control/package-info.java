/**
 * The control connection to the servers (port 7003): {@code ControlClient} with fail-over and
 * fail-back, and the {@code RecordingControl} it drives. Public API; the package-private classes
 * (the connection's handler, the host rotation) are its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.client.PublicApi;
