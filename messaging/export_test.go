package messaging

// MinMessageWeight is minMessageWeight, for the tests of the Kafka subscriber's window.
const MinMessageWeight = minMessageWeight
