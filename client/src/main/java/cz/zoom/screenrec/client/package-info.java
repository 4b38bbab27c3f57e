/**
 * The desktop Capture Client: {@code ClientMain} (the command line), {@code ClientConfig} and
 * {@code CaptureClient}, which wires a spool, an uploader, a recorder, the recording's ownership
 * and the control connection together. These are the desktop client's own; the service uses only
 * the types marked {@link cz.zoom.screenrec.client.PublicApi} here ({@code ClientIdentity}, {@code
 * ServerAddress}) and the marked subpackages: capture, control, ownership, spool, upload.
 */
package cz.zoom.screenrec.client;
