Epoch 1/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 2/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 3/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 4/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 5/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 6/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 7/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 8/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 9/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 10/10
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:313/313 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:Loss: [0-9]+\.[0-9]+(e-[0-9]+)?
re:Accuracy: 0\.[0-9]+
re:Score: 0\.[0-9]+
10 True
True
