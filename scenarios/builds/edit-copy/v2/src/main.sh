echo main v2
