package publishconfig

import "sync/atomic"

// Config is a server configuration; it is never modified after Publish.
type Config struct {
	Name    string
	Workers int
	Tags    []string
}

// Current holds the configuration in use.
type Current struct {
	p atomic.Pointer[Config]
}

func (c *Current) Publish(cfg *Config) { c.p.Store(cfg) }

func (c *Current) Load() *Config { return c.p.Load() }
