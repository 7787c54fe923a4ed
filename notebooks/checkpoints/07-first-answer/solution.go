package firstanswer

// FirstAnswer returns the answer of the fastest replica.
func FirstAnswer(replicas ...func() string) string {
	results := make(chan string, len(replicas)) // every sender finds room: none blocks
	for _, replica := range replicas {
		go func() { results <- replica() }()
	}
	return <-results
}
