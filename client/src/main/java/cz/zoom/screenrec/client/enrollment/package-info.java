/**
 * How this desktop proves itself to the servers and knows them: its enrolled credentials ({@code
 * --credentials DIR}, made once with {@code --enroll TOKEN}) and the TLS both its connections
 * speak. Public API.
 */
@PublicApi
package cz.zoom.screenrec.client.enrollment;

import cz.zoom.screenrec.client.PublicApi;
