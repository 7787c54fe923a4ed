package cell

// DisablePass switches a rewrite off, to show that yaegi needs it.
func (s *Session) DisablePass(name string) {
	if s.disabled == nil {
		s.disabled = map[string]bool{}
	}
	s.disabled[name] = true
}

// PassNames lists the rewrites in order.
func PassNames() []string {
	var names []string
	for _, p := range passes {
		names = append(names, p.name)
	}
	return names
}

// RunAllPasses makes the session run every pass on every cell, also those
// that the cell's kinds of node say cannot apply (passkinds.go).
func (s *Session) RunAllPasses() { s.allPasses = true }

// PassNeedsNames lists the passes that passNeeds has an entry for.
func PassNeedsNames() []string {
	var names []string
	for name := range passNeeds {
		names = append(names, name)
	}
	return names
}
