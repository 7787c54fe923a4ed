package firstanswer

// FirstAnswer returns the answer of the fastest replica.
func FirstAnswer(replicas ...func() string) string {
	answers := make(chan string, len(replicas)) // room for every answer: no sender blocks
	for _, ask := range replicas {
		go func() { answers <- ask() }()
	}
	return <-answers
}
