package publishconfig

import (
	"fmt"
	"sync"
	"testing"
)

func TestLoadBeforePublish(t *testing.T) {
	var c Current
	if got := c.Load(); got != nil {
		t.Errorf("Load before any Publish = %+v, want nil", got)
	}
	cfg := &Config{Name: "a", Workers: 1, Tags: []string{"x"}}
	c.Publish(cfg)
	if got := c.Load(); got != cfg {
		t.Errorf("Load after Publish = %p, want the published %p", got, cfg)
	}
}

// cpCheckWhole fails if cfg is not one that cpBuild made completely.
func cpCheckWhole(cfg *Config) error {
	if cfg == nil {
		return nil
	}
	if cfg.Name != fmt.Sprint("config-", cfg.Workers) || len(cfg.Tags) != cfg.Workers {
		return fmt.Errorf("a reader saw a half-built config: %+v", *cfg)
	}
	return nil
}

func cpBuild(i int) *Config {
	cfg := &Config{Workers: i}
	cfg.Name = fmt.Sprint("config-", i)
	for range i {
		cfg.Tags = append(cfg.Tags, "t")
	}
	return cfg
}

// One goroutine publishes new configs while four read: run under the race
// detector, the accesses must be ordered, and every config seen whole.
func TestReadersSeeWholeConfigs(t *testing.T) {
	var c Current
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i <= 200; i++ {
			c.Publish(cpBuild(i))
		}
	})
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for range 2000 {
				if err := cpCheckWhole(c.Load()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := c.Load(); got == nil || got.Workers != 200 {
		t.Errorf("after the last Publish, Load = %+v, want config-200", got)
	}
}
