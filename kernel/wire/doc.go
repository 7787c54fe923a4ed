// Package wire speaks the Jupyter messaging protocol (version 5.3): connection
// files, message framing, HMAC signing and the five ZeroMQ sockets.
//
// It knows nothing about Go interpretation: the kernel process uses it to talk
// to Jupyter clients, and tests use it to act as a client.
package wire
