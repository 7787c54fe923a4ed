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
